from kg.extract import extract_mentions
from kg.gazetteer import shared
from kg.read import clean


def names(text: str) -> dict[str, str]:
    """Every name the extractors find, regions left out, after arbitration."""
    article = clean("标题\n" + text, source="t.txt", where="t.txt")
    mentions, _ = extract_mentions(article, shared())
    return {m.name: m.type for m in mentions if m.place is None and m.resolved}


def surfaces(text: str) -> set[str]:
    """Every form the name extractors write a name in, after arbitration."""
    article = clean("标题\n" + text, source="t.txt", where="t.txt")
    mentions, _ = extract_mentions(article, shared())
    return {m.span.text for m in mentions if m.place is None}


def test_names_organisations_by_suffix_with_left_boundary():
    found = names("果园负责人平凉市高科农林现代农业产业有限责任公司总经理景子皓说。"
                  "先后组织金江副食公司、新世纪酒业等企业参展。园区的开发主体是南浔区城投集团，以及交投集团。")
    assert found["平凉市高科农林现代农业产业有限责任公司"] == "Enterprise"
    assert found["金江副食公司"] == "Enterprise" and found["新世纪酒业"] == "Enterprise"
    assert found["南浔区城投集团"] == "Enterprise" and found["交投集团"] == "Enterprise"
    assert found["景子皓"] == "Person"


def test_names_schools_hospitals_government():
    found = names("南京市雨花台中学与丹凤中学结成友好学校。天津市宁河区医院与榆中县第一人民医院建立对口帮扶关系。"
                  "广安区农业农村局局长罗建明说。榆中县扶贫办负责人表示。从天津回来的平凉三中教师杨学省说。")
    assert found["南京市雨花台中学"] == "School" and found["丹凤中学"] == "School"
    assert "友好学校" not in found
    assert found["天津市宁河区医院"] == "Hospital" and found["榆中县第一人民医院"] == "Hospital"
    assert found["广安区农业农村局"] == "Government" and found["榆中县扶贫办"] == "Government"
    assert found["平凉三中"] == "School"
    assert found["罗建明"] == "Person" and found["杨学省"] == "Person"


def test_names_projects_nested_suffixes_and_generic_words():
    found = names("古浪县建成黄花滩肉牛养殖基地；丝路寒旱农业示范基地项目正在组织实施。发展戈壁农业等产业项目。"
                  "援建了16个扶贫车间。泾川县王村镇供水站净水车间投运。又建了一个种植基地。")
    assert found["黄花滩肉牛养殖基地"] == "Project" and "种植基地" not in found
    assert found["丝路寒旱农业示范基地项目"] == "Project" and "丝路寒旱农业示范基地" not in found
    assert "产业项目" not in found and "16个扶贫车间" not in found and "扶贫车间" not in found
    assert found["泾川县王村镇供水站净水车间"] == "Project" and "王村镇供水站" not in found


def test_names_events_documents_products():
    found = names("借助“中国·天津投资贸易洽谈会暨 PECC 博览会”“津城献爱心·精准助脱贫”展销会等契机，"
                  "展销了“崆峒黄酒”“平凉金果”等30多个地方名优产品。销售优质面粉、平凉黄酒、牛骨髓油茶等特色产品。"
                  "制定了《天津市河西区与平凉市崆峒区就业帮扶计划》。养湖羊、种“红美人”柑橘。")
    assert found["中国·天津投资贸易洽谈会暨 PECC 博览会"] == "Event"
    assert found["“津城献爱心·精准助脱贫”展销会"] == "Event"
    assert found["崆峒黄酒"] == found["平凉金果"] == found["平凉黄酒"] == found["牛骨髓油茶"] == "Product"
    assert "优质面粉" not in found
    assert found["天津市河西区与平凉市崆峒区就业帮扶计划"] == "Document"
    assert found["红美人"] == "Product"


def test_names_product_lists_anywhere_in_a_long_report():
    filler = "帮扶工作持续推进，" * 60
    found = names(f"静宁县和庄浪县一起办展。玉树市、互助县也来了。{filler}当地把静宁苹果、庄浪核桃等农特产品卖到东部。{filler}玉树牦牛肉、互助青稞酒等产品销路打开。"
                  "羊肉、蔬菜等产品也进了超市。")
    assert found["静宁苹果"] == found["庄浪核桃"] == found["玉树牦牛肉"] == found["互助青稞酒"] == "Product"
    assert "羊肉" not in found and "蔬菜" not in found


def test_names_persons_never_reporters():
    found = names("记者张国华报道。小伙李强说，单位包吃包住。村民唐晓军说。贫困户成功脱贫。")
    assert "李强" in found and "唐晓军" in found
    assert "张国华" not in found and not any(n.startswith("成功") for n in found)


def test_names_descriptions_are_not_names():
    found = names("“两不愁三保障”相关项目惠及群众。专场和巡回招聘会办了15场。西青区考察麦积区，援建麦积项目。"
                  "以及交投集团、新城集团。南浔·广安东西部扶贫协作产业园开工。")
    assert "“两不愁三保障”相关项目" not in found and "巡回招聘会" not in found
    assert "麦积项目" not in found
    assert found["新城集团"] == "Enterprise"
    assert found["南浔·广安东西部扶贫协作产业园"] == "Project"


def test_names_longer_overlapping_suffix_wins():
    found = names("记者从镇安县东西部协作办公室获悉。察右后旗第一中学与北京市十一学校结对。")
    assert found["镇安县东西部协作办公室"] == "Government"
    assert found["察右后旗第一中学"] == "School" and "察右后旗第一中" not in found


def test_names_government_bodies_by_place_and_party_committees_in_titles():
    found = names("庄浪县人社局与区委统战部一起调研。泾川县委书记王明讲话。天津港保税区管委会发布消息。"
                  "潍坊市帮扶巫溪县工作队到村。社会保障局没有写明是哪里的。")
    assert found["庄浪县人社局"] == found["区委统战部"] == found["天津港保税区管委会"] == "Government"
    assert found["潍坊市帮扶巫溪县工作队"] == "Government"
    assert "泾川县委" not in found and "社会保障局" not in found


def test_names_listed_before_their_kind_and_quoted_activities():
    found = names("引进津瑞菌业、港峰门窗、君晟源等3家企业。通过“送医下乡”“技能进村”，培训人员。"
                  "两地签订了2021年度东西部协作框架协议。")
    assert found["津瑞菌业"] == found["港峰门窗"] == found["君晟源"] == "Enterprise"
    assert found["送医下乡"] == found["技能进村"] == "Event"
    assert found["2021年度东西部协作框架协议"] == "Document"


def test_names_need_something_that_singles_them_out():
    found = names("白银市会宁县的会宁小杂粮走出大山。他在一家物流公司工作。乡村学校缺老师。"
                  "建了分拣中心。临洮县农副产品交易中心开业。")
    assert found["会宁小杂粮"] == "Product"
    assert not {"物流公司", "乡村学校", "分拣中心"} & set(found)
    assert found["临洮县农副产品交易中心"] == "Project"


def test_names_a_registered_company_is_its_own_name():
    found = names("厦临公司又联手临夏百益现代农业科技有限责任公司搞起高原夏菜项目。")
    assert found["临夏百益现代农业科技有限责任公司"] == "Enterprise"
    assert found["高原夏菜项目"] == "Project"


def test_names_a_workshop_is_a_name_only_when_something_singles_it_out():
    found = names("帮扶资金用来改造了服装加工车间和冷库。新河镇的竹编车间里坐满了妇女。"
                  "盛源果蔬专业合作社扶贫车间去年投产，沪陕协作毛绒玩具车间也招满了工人。")
    assert "服装加工车间" not in found
    assert found["盛源果蔬专业合作社扶贫车间"] == "Project"
    assert found["沪陕协作毛绒玩具车间"] == "Project"


def test_names_start_after_a_verb_and_never_end_in_one():
    found = names("考察组实地了解今年对口协作重点项目的进度。产业园自2019年开园以来引进企业12家。"
                  "返乡人员乘坐旅游大巴专车回到县城。")
    assert not any(n.startswith("解") for n in found)
    assert not any(n.endswith("开园") for n in found)
    assert not any(n.startswith(("员", "人员乘坐")) for n in found)


def test_names_a_plain_word_that_ends_a_full_name_is_its_short_form():
    found = names("泾川县王村镇服装扶贫车间已经投产。走进服装扶贫车间，机器声不断。另一处缝纫车间还在装修。")
    assert found["泾川县王村镇服装扶贫车间"] == "Project"
    assert found["服装扶贫车间"] == "Project"
    assert "缝纫车间" not in found


def test_names_events_start_after_dates_and_verbs_and_keep_their_slogan_and_venue():
    text = ("2019年9月东西部协作推进会在西宁召开。兰州举行陇货进沪推介会。"
            "今年静宁县苹果进京城系列活动开始了。2021高原夏菜产销对接会（南京站）顺利举办。")
    found, forms = names(text), surfaces(text)
    assert found["东西部协作推进会"] == found["陇货进沪推介会"] == "Event"
    assert found["静宁县苹果进京城系列活动"] == "Event" and "静宁县苹果进京城" in forms
    assert found["2021高原夏菜产销对接会（南京站）"] == "Event" and "2021高原夏菜产销对接会" in forms
    assert not any(n.startswith(("2019年", "兰州举行", "今年")) for n in forms)


def test_names_products_by_quoted_brands_produce_and_lists_of_place_products():
    found = names("展台上摆着“雪域红”红心苹果和“高原香”青稞挂面。“岷州当归”“陇西黄芪”也来了。"
                  "定西市的会宁小米、通渭苦荞、陇西腊肉这些产品很受欢迎。他们还卖马铃薯、黑山羊等产品。"
                  "镇里“搭台”特色水果节，好评如潮。")
    assert found["雪域红"] == found["高原香"] == "Product"
    assert found["岷州当归"] == found["陇西黄芪"] == "Product"
    assert found["会宁小米"] == found["通渭苦荞"] == "Product"
    assert "黑山羊" not in found and "搭台" not in found


def test_names_a_factory_called_by_a_place_alone_is_no_company():
    found = names("他以前在广东的工厂、在福建厂里都干过。泾川县服装厂今年扩建。")
    assert "福建厂" not in found


def test_names_a_department_called_by_its_level_alone():
    found = names("会上，区发展改革委、区卫生健康委和旗人社局作了发言。县政府也派了人。")
    assert found["区发展改革委"] == found["区卫生健康委"] == found["旗人社局"] == "Government"
    assert "县政府" not in found


def test_names_project_titles_with_construction_centres_by_what_they_do_and_pavilions():
    found = names("泾川县王村镇朱家涧村蔬菜大棚建设项目已完工。县医院卒中中心挂牌，县劳务协作培训中心开班，"
                  "县农产品展销中心开业。泾川县职业技术教育中心招生。展会的甘肃馆人气很旺。")
    assert found["泾川县王村镇朱家涧村蔬菜大棚建设项目"] == "Project"
    assert found["县劳务协作培训中心"] == "Organization"
    assert found["泾川县职业技术教育中心"] == "School"
    assert "甘肃馆" not in found


def test_names_a_factory_building_or_building_a_factory_is_no_company():
    found = names("第二期5万平方米标准化厂房正在建设。多家企业在泾川县建厂设点，厂区很大。")
    assert not any(n.endswith("厂") for n in found)


def test_names_listed_companies_beside_places_and_descriptions():
    found = names("园区引进天津宝迪、江苏雨润、北京首农等肉类和乳品加工企业。"
                  "产品进了上海、杭州两地300多家商超。江宁街道及辖区两家企业捐了款。")
    assert {"天津宝迪", "江苏雨润", "北京首农"} <= set(found)
    assert not any(n.endswith("两地") for n in found) and "辖区" not in found
